import { describe, expect, it } from "vitest";
import { owningService } from "./cgroup.js";

describe("owningService", () => {
  it.each<[string, string, string | null]>([
    ["a login session", "0::/user.slice/user-1000.slice/session-3.scope\n", null],
    [
      "a user service (an assistant's gateway)",
      "0::/user.slice/user-1000.slice/user@1000.service/app.slice/openclaw-gateway.service\n",
      "openclaw-gateway.service",
    ],
    ["a system service", "0::/system.slice/cron.service\n", "cron.service"],
    [
      "systemd-run --user --scope",
      "0::/user.slice/user-1000.slice/user@1000.service/app.slice/run-r1234.scope\n",
      null,
    ],
    ["the user manager itself", "0::/user.slice/user-1000.slice/user@1000.service\n", null],
    ["a container without systemd", "0::/\n", null],
    [
      "cgroup v1",
      "12:pids:/system.slice/x.service\n1:name=systemd:/system.slice/ssh.service\n0::/\n",
      "ssh.service",
    ],
    ["nothing readable", "", null],
  ])("%s", (_what, text, service) => {
    expect(owningService(text)).toBe(service);
  });
});

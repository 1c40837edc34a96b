import { describe, expect, it } from "vitest";
import { takeHost, takeNotify } from "./argv.js";
import { parseRequest, encodeRequest, PROTOCOL_VERSION } from "./protocol.js";
import {
  callArgs,
  checkDest,
  checkHostName,
  controlDirFor,
  remoteWords,
  type SshSettings,
} from "./ssh.js";

const S: SshSettings = { program: "ssh", controlDir: "/s/ssh", connectTimeoutS: 5 };
const host = { dest: "me@box", port: null, identity: null, agentmux: null };

describe("ssh argv", () => {
  it("shares one connection per host, in batch mode, and ends with a fixed command", () => {
    const a = callArgs(host, S);
    expect(a).toEqual([
      "-o",
      "BatchMode=yes",
      "-o",
      "ControlMaster=auto",
      "-o",
      "ControlPath=/s/ssh/%C",
      "-o",
      "ControlPersist=10m",
      "-o",
      "ConnectTimeout=5",
      "-o",
      "ServerAliveInterval=5",
      "-o",
      "ServerAliveCountMax=2",
      "-T",
      "--",
      "me@box",
      "agentmux",
      "_remote",
    ]);
  });

  it("adds -p, -i and -F only when given, and -t for a terminal", () => {
    const a = callArgs(
      { ...host, port: 2222, identity: "/k/id", agentmux: "~/bin/agentmux" },
      { ...S, configFile: "/c/cfg" },
      { tty: true, extra: ["--attach", "42"] },
    );
    expect(a.slice(0, 2)).toEqual(["-F", "/c/cfg"]);
    expect(a).toContain("-p");
    expect(a[a.indexOf("-p") + 1]).toBe("2222");
    expect(a[a.indexOf("-i") + 1]).toBe("/k/id");
    expect(a.slice(-7)).toEqual([
      "-t",
      "--",
      "me@box",
      "~/bin/agentmux",
      "_remote",
      "--attach",
      "42",
    ]);
  });

  it.each([["a b"], ["x;touch y"], ["$(id)"], ["`id`"], ["-oProxyCommand=x"], [""], ["a'b"]])(
    "refuses the destination %j",
    (dest) => {
      expect(() => checkDest(dest)).toThrow(/Expected an ssh destination/);
    },
  );

  it.each([["gpu1"], ["[::1]"], ["me@10.0.0.2"], ["alias.example_host-2"]])("accepts %j", (d) => {
    expect(() => checkDest(d)).not.toThrow();
  });

  it.each([["a b"], ["$(x)"], ["-x"], ["local"], ["x/y"]])("refuses the host name %j", (n) => {
    expect(() => checkHostName(n)).toThrow();
  });

  it.each([["agentmux; rm -rf ~"], ["$(x)"], ["a b"], ["-x"], ["'q'"]])(
    "refuses the remote command %j",
    (cmd) => {
      expect(() => remoteWords({ agentmux: cmd }, [])).toThrow(/Expected the path of agentmux/);
    },
  );

  it("keeps ControlPath short enough for a Unix socket", () => {
    expect(controlDirFor("/home/me/.local/state/agentmux", 0)).toBe(
      "/home/me/.local/state/agentmux/ssh",
    );
    const long = controlDirFor(`/tmp/${"x".repeat(100)}`, 1000);
    expect(long.length + "/%C".length + 40).toBeLessThan(104);
  });
});

describe("protocol", () => {
  it("round-trips a request with any bytes in it", () => {
    const argv = ["run", "cmd", "--", "printf", "$(id) `x` 'q' \"d\"\n\t ünï 🚀"];
    const line = encodeRequest({ v: PROTOCOL_VERSION, op: "cli", argv });
    expect(line.endsWith("\n")).toBe(true);
    expect(line.slice(0, -1)).not.toContain("\n");
    expect(parseRequest(line.slice(0, -1))).toEqual({ v: 1, op: "cli", argv });
  });

  it.each([
    ["not json", /not JSON/],
    ['{"v":2,"op":"cli","argv":["ls"]}', /protocol version 2/],
    ['{"v":1,"op":"cli","argv":["_finish","x"]}', /not one a remote caller may run/],
    ['{"v":1,"op":"cli","argv":["watch"]}', /not one a remote caller may run/],
    ['{"v":1,"op":"cli","argv":[]}', /non-empty list/],
    ['{"v":1,"op":"cli","argv":["ls",3]}', /list of strings/],
    ['{"v":1,"op":"pause","agent":"codex","until":"soon"}', /ISO time/],
    ['{"v":1,"op":"exec"}', /unknown op/],
  ])("refuses %s", (line, why) => {
    expect(() => parseRequest(line)).toThrow(why);
  });
});

describe("argv surgery", () => {
  it.each([
    [["status", "x", "--host", "h"], { host: "h", argv: ["status", "x"] }],
    [["status", "--host=h", "x"], { host: "h", argv: ["status", "x"] }],
    [["run", "cmd", "--", "echo", "--host", "h"], null],
    [["ls"], null],
  ])("takeHost %j", (argv, want) => {
    expect(takeHost(argv)).toEqual(want);
  });

  it("a missing host name is a usage error", () => {
    expect(() => takeHost(["ls", "--host"])).toThrow(/--host needs a host name/);
  });

  it("keeps notifications here and tells the host not to notify", () => {
    const r = takeNotify([
      "cmd",
      "--notify-cmd",
      "n {summary}",
      "--webhook=https://x/h",
      "--notify",
      "openclaw",
      "--no-desktop",
      "--journal",
      "/j",
      "--cwd",
      "d",
      "--",
      "echo",
      "--notify-cmd",
      "kept",
    ]);
    expect(r.notify).toEqual({
      notifyCommands: ["n {summary}"],
      webhooks: ["https://x/h"],
      openclaw: true,
      desktop: false,
      noNotify: false,
      journalDir: "/j",
    });
    expect(r.argv).toEqual([
      "cmd",
      "--cwd",
      "d",
      "--no-notify",
      "--",
      "echo",
      "--notify-cmd",
      "kept",
    ]);
  });
});

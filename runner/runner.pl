#!/usr/bin/perl
# agentmux supervisor: the process tmux starts in the pane of a plain session.
#
#   perl runner.pl RUNDIR NODE MAIN_JS
#
# It is perl, not node, because it stays resident for as long as the agent
# runs (hours): a bare perl costs ~4 MB of RSS where node costs ~40 MB, and
# unlike POSIX sh it sees the agent's full wait status, so "exit 137" and
# "killed by SIGKILL" stay different facts. It uses no modules at all (not
# even strict) to stay that small; everything else happens in node once the
# agent has exited (`agentmux _finish RUNDIR`).
#
# The files it reads and writes in RUNDIR (argv, env, cwd, runner.conf and
# prompt in; started, exit and exec-error out, cgroup-joined when
# the agent joined the run's cgroup; watched and settled, the
# handoff with `agentmux watch`) are listed, with their formats, in ONE place:
# src/rundir/files.ts. A test checks that every name used here is listed there.

my ($dir, $node, $main) = @ARGV;
die "usage: runner.pl RUNDIR NODE MAIN_JS\n" unless defined $main;

# sysread and index() rather than PerlIO layers and regexes: every feature
# perl touches stays resident for the agent's whole life (~0.3 MB here).
sub slurp {
    my ($path) = @_;
    sysopen(my $fh, $path, 0) or return undef;
    my $data = '';
    while (sysread($fh, my $buf, 65536)) { $data .= $buf; }
    close $fh;
    return $data;
}

# Write-then-rename so a reader never sees half a record.
sub spew {
    my ($path, $data) = @_;
    my $tmp = "$path.$$.tmp";
    # 0600 like every file in the state directory; the agent keeps its own umask.
    my $old = umask(077);
    my $ok = open(my $fh, '>', $tmp);
    umask($old);
    return 0 unless $ok;
    print $fh $data;
    close($fh) or return 0;
    return rename($tmp, $path);
}

sub start_ticks {
    my ($pid) = @_;
    my $stat = slurp("/proc/$pid/stat");
    return '-' unless defined $stat;
    # comm may hold spaces and parentheses: fields resume after the last ')'.
    my @f = split ' ', substr($stat, rindex($stat, ')') + 2);
    return defined $f[19] ? $f[19] : '-';
}

my %conf;
for my $line (split "\n", (slurp("$dir/runner.conf") // '')) {
    my $i = index($line, '=');
    $conf{ substr($line, 0, $i) } = substr($line, $i + 1) if $i > 0;
}
my $stdin = $conf{stdin} // 'tty';
my $grace = $conf{grace} // 5;

if (!-s "$dir/argv" || !-e "$dir/cwd") {
    print STDERR "agentmux: run directory $dir is incomplete; nothing was started\n";
    spew("$dir/exit", "127 - incomplete\n");
    exec { $node } $node, $main, '_finish', $dir;
    exit 127;
}

# TIOCSPGRP: hand the terminal to the agent's process group, so Ctrl-C in an
# attached pane reaches the agent and a TUI agent can read its keyboard.
my $TIOCSPGRP = $^O eq 'darwin' ? 0x80047476 : 0x5410;
my $tty_ok = -t STDERR;

# A pane that is gone must not kill us with SIGPIPE before we record the exit.
$SIG{PIPE} = 'IGNORE';

my $pid = fork();
if (!defined $pid) {
    print STDERR "agentmux: cannot fork: $!\n";
    spew("$dir/exec-error", "fork: $!");
    spew("$dir/exit", "127 - fork-failed\n");
    exec { $node } $node, $main, '_finish', $dir;
    exit 127;
}
if ($pid == 0) {
    setpgrp(0, 0);
    if ($tty_ok) {
        # A background group calling tcsetpgrp gets SIGTTOU unless it ignores it.
        $SIG{TTOU} = 'IGNORE';
        ioctl(STDERR, $TIOCSPGRP, pack('i', $$));
        $SIG{TTOU} = 'DEFAULT';
    }
    $SIG{PIPE} = 'DEFAULT';    # ignored signals survive exec; the agent gets defaults
    # Into the run's cgroup, before anything is started: every descendant
    # stays in it whatever session it moves to, so the finisher can end
    # them all. Without it (no permission) the environment marks remain.
    # cgroup-joined tells the finisher the cgroup really holds the agent
    # (the kernel reports a refused move when the write is flushed, at close).
    if (defined $conf{cgroup} && open(my $cg, '>>', "$conf{cgroup}/cgroup.procs")) {
        print $cg "$$\n";
        spew("$dir/cgroup-joined", "$$\n") if close($cg);
    }
    # Read the agent's argv and environment only here, in the child: the
    # parent stays resident for hours and should not keep copies around.
    # Each element is NUL-terminated, so an empty argument is "\0" on its
    # own: split with limit -1 keeps every empty field, and only the one
    # after the last terminator is dropped. (A plain split, or filtering out
    # empty strings, would turn `a "" b` into `a b`.)
    my @argv = split /\0/, (slurp("$dir/argv") // ''), -1;
    pop @argv;
    my %env;
    for my $kv (split /\0/, (slurp("$dir/env") // '')) {
        my $i = index($kv, '=');
        $env{ substr($kv, 0, $i) } = substr($kv, $i + 1) if $i > 0;
    }
    my $cwd = slurp("$dir/cwd");
    if (!chdir($cwd)) {
        my $err = "cannot enter $cwd: $!";
        print STDERR "agentmux: $err\n";
        spew("$dir/exec-error", $err);
        exit 127;
    }
    %ENV = %env;
    if ($stdin eq 'prompt') {
        open(STDIN, '<', "$dir/prompt") or do {
            spew("$dir/exec-error", "cannot open the prompt file: $!");
            exit 127;
        };
    } elsif ($stdin eq 'null') {
        open(STDIN, '<', '/dev/null');
    }
    # The block form of exec never involves a shell, whatever argv holds.
    exec { $argv[0] } @argv;
    my $err = "cannot run $argv[0]: $!";
    print STDERR "agentmux: $err\n";
    spew("$dir/exec-error", $err);
    exit 127;
}

# Both sides set the group: whichever runs first wins the race harmlessly.
setpgrp($pid, $pid);
spew("$dir/started", "$$ $pid " . start_ticks($pid) . " " . start_ticks($$) . "\n");

my $reason = '-';
my $stopping = 0;
sub stop_agent {
    my ($why) = @_;
    return if $stopping;
    $stopping = 1;
    $reason = $why;
    kill('TERM', -$pid);
    kill('CONT', -$pid);    # a stopped agent cannot act on TERM
    alarm($grace);
}
# HUP: the pane or the whole tmux server went away. TERM: `agentmux kill`.
$SIG{HUP}  = sub { stop_agent('hangup') };
$SIG{TERM} = sub { stop_agent('terminated') };
$SIG{INT}  = sub { stop_agent('interrupted') };
$SIG{ALRM} = sub { kill('KILL', -$pid) };

# perl restarts waitpid after running a signal handler, so this returns only
# when the agent itself has been reaped.
my $status;
while (1) {
    my $w = waitpid($pid, 0);
    if ($w == $pid) { $status = $?; last; }
    if ($w == -1)   { $status = -1; last; }
}
my $code = $status == -1 ? '-' : ($status & 127) ? '-' : ($status >> 8);
my $sig  = $status == -1 ? '-' : ($status & 127) ? ($status & 127) : '-';
spew("$dir/exit", "$code $sig $reason\n");

# Whatever the agent left behind in its group (a dev server, a test watcher)
# must not outlive it unsupervised: TERM, grace, KILL.
$SIG{ALRM} = 'DEFAULT';
alarm(0);
if (kill(0, -$pid)) {
    kill('TERM', -$pid);
    kill('CONT', -$pid);
    my $waited = 0;
    while ($waited < $grace * 10 && kill(0, -$pid)) {
        select(undef, undef, undef, 0.1);
        $waited++;
    }
    kill('KILL', -$pid);
}

if ($tty_ok) {
    # Take the terminal back so the finisher is the foreground job again.
    local $SIG{TTOU} = 'IGNORE';
    ioctl(STDERR, $TIOCSPGRP, pack('i', getpgrp()));
}
$SIG{HUP} = 'IGNORE';    # the finisher must record the exit even if the pane is gone
# The agent is gone: a TERM now (an `agentmux kill` racing the exit) would only
# stop the finisher, leaving the run unrecorded. Ignored signals survive exec;
# node resets them for the processes it starts.
$SIG{TERM} = 'IGNORE';
$SIG{INT} = 'DEFAULT';

sub settled_by_watch {
    my $done = slurp("$dir/settled");
    return unless defined $done;
    my $nl = index($done, "\n");
    print substr($done, $nl + 1);
    exit(0 + substr($done, 0, $nl));
}

# A running watch finishes the run itself within milliseconds; starting node
# meanwhile would only compete with it for the CPU. Wait for its word while
# it is alive and still watching (at most 3 s), then finish here regardless.
my $watcher = slurp("$dir/watched");
if (defined $watcher && $watcher =~ /^(\d+)/) {
    my $wpid = $1;
    for (my $i = 0; $i < 600; $i++) {
        settled_by_watch();
        # watch gave up on it (an error) or is gone: finish here.
        last unless -e "$dir/watched" && kill(0, $wpid);
        select(undef, undef, undef, 0.005);
    }
}

# At most FINISHERS node finishers per state directory at a time. When the
# tmux server dies under hundreds of sessions, every supervisor gets SIGHUP at
# once; hundreds of ~40 MB node processes starting together took a 2-core
# machine to a load of 300. A slot is an flock on STATE/finishers/N, held by
# the finisher itself (the descriptor survives exec) and freed when it exits,
# however it ends. While waiting, a watch that settles the run ends the wait.
my $FINISHERS = 4;
my $slots = $dir;
$slots =~ s{/+[^/]+/+[^/]+/*$}{};    # STATE/runs/ID -> STATE
$slots .= '/finishers';
mkdir($slots, 0700);
$^F = 1023;    # descriptors opened from here on are kept across exec
my $slot;
for (my $round = 0; !defined $slot; $round++) {
    for my $n (0 .. $FINISHERS - 1) {
        my $old = umask(077);
        my $ok = open(my $fh, '>>', "$slots/$n");
        umask($old);
        # No slot directory (read-only state?): finishing matters more than the bound.
        if (!$ok) { $slot = 'none'; last; }
        if (flock($fh, 6)) { $slot = $fh; last; }    # LOCK_EX | LOCK_NB
        close($fh);
    }
    last if defined $slot;
    settled_by_watch();
    # All taken: block on one slot (no polling: a thousand waiters spinning
    # would cost the CPU the finishers need). Unless a watch is finishing runs.
    if (!defined $watcher) {
        my $old = umask(077);
        open(my $fh, '>>', "$slots/" . ($$ % $FINISHERS)) or do { $slot = 'none'; last };
        umask($old);
        flock($fh, 2);    # LOCK_EX
        $slot = $fh;
        last;
    }
    # 20-60 ms, jittered: waiters do not all try again in the same instant.
    select(undef, undef, undef, 0.02 + rand(0.04));
}
# The finisher frees its slot once the run is settled, before it waits for a
# notification window to open (outbox.ts deliverDeferred): a finisher waiting
# for the window must not hold back the settling of the runs behind it.
$ENV{AGENTMUX_FINISHER_SLOT_FD} = fileno($slot) if ref $slot;
exec { $node } $node, $main, '_finish', $dir;
print STDERR "agentmux: cannot start the finisher ($node): $!; the exit is recorded in $dir/exit\n";
exit(($code eq '-') ? 1 : $code);

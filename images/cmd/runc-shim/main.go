// Command runc-shim runs /usr/sbin/runc with every capability that the host's bounding set lacks
// removed from the container's process.
//
// Some VMs start their init without a capability that Docker grants to every privileged container
// (CAP_SYS_RESOURCE on the machines cnpc is developed on). runc cannot raise a capability outside
// its own bounding set, so `docker run --privileged`, and with it every kind node, fails with
// "unable to apply caps: operation not permitted". Installed as /usr/local/sbin/runc (ahead of
// /usr/sbin in dockerd's PATH), this shim edits the OCI process of `create`, `run` and
// `exec --process` and then execs the real runc with the same arguments. It changes nothing
// when the bounding set is full. cnpc build installs it only after it has seen that failure.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// realRunc is the runc the shim hands over to.
const realRunc = "/usr/sbin/runc"

func main() {
	if err := clampArgs(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "runc-shim: %v\n", err)
		os.Exit(1)
	}
	err := syscall.Exec(realRunc, append([]string{realRunc}, os.Args[1:]...), os.Environ())
	fmt.Fprintf(os.Stderr, "runc-shim: exec %s: %v\n", realRunc, err)
	os.Exit(1)
}

// clampArgs finds the OCI file that runc's command line names and clamps its capabilities.
func clampArgs(args []string) error {
	cmd, rest := subcommand(args)
	switch cmd {
	case "create", "run":
		bundle := flagValue(rest, "bundle", "b")
		if bundle == "" {
			bundle = "."
		}
		return clampFile(filepath.Join(bundle, "config.json"), true)
	case "exec":
		if p := flagValue(rest, "process", "p"); p != "" {
			return clampFile(p, false)
		}
	}
	return nil
}

// subcommand returns runc's subcommand (the first argument that is not a global flag) and the
// arguments after it. Global flags that take a value are skipped with their value.
func subcommand(args []string) (string, []string) {
	withValue := map[string]bool{"--root": true, "--log": true, "--log-format": true, "--criu": true, "--rootless": true}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			return a, args[i+1:]
		}
		if withValue[a] {
			i++
		}
	}
	return "", nil
}

// flagValue returns the value of --long/-short in args, in either the "--f v" or "--f=v" form.
func flagValue(args []string, long, short string) string {
	for i, a := range args {
		for _, f := range []string{"--" + long, "-" + long, "-" + short} {
			if a == f && i+1 < len(args) {
				return args[i+1]
			}
			if v, ok := strings.CutPrefix(a, f+"="); ok {
				return v
			}
		}
	}
	return ""
}

// clampFile rewrites the capabilities of an OCI config (inConfig: under "process") or of a bare
// process file, keeping every other field as it is.
func clampFile(path string, inConfig bool) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	bounding, err := boundingSet()
	if err != nil {
		return err
	}
	out, changed, err := clamp(data, inConfig, bounding)
	if err != nil || !changed {
		return err
	}
	return os.WriteFile(path, out, 0o600)
}

// clamp removes from data's capability lists every name whose number is not in bounding.
func clamp(data []byte, inConfig bool, bounding uint64) ([]byte, bool, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, false, err
	}
	proc := doc
	if inConfig {
		raw, ok := doc["process"]
		if !ok {
			return data, false, nil
		}
		if err := json.Unmarshal(raw, &proc); err != nil {
			return nil, false, err
		}
	}
	raw, ok := proc["capabilities"]
	if !ok {
		return data, false, nil
	}
	var caps map[string][]string
	if err := json.Unmarshal(raw, &caps); err != nil {
		return nil, false, err
	}
	changed := false
	var err error
	for set, names := range caps {
		kept := names[:0:0]
		for _, n := range names {
			if num, known := capNumbers[n]; known && bounding&(1<<num) == 0 {
				changed = true
				continue
			}
			kept = append(kept, n)
		}
		caps[set] = kept
	}
	if !changed {
		return data, false, nil
	}
	if proc["capabilities"], err = json.Marshal(caps); err != nil {
		return nil, false, err
	}
	if inConfig {
		if doc["process"], err = json.Marshal(proc); err != nil {
			return nil, false, err
		}
	}
	out, err := json.Marshal(doc)
	return out, true, err
}

// boundingSet reads this process's capability bounding set (CapBnd in /proc/self/status).
func boundingSet() (uint64, error) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "CapBnd:"); ok {
			return strconv.ParseUint(strings.TrimSpace(v), 16, 64)
		}
	}
	return 0, fmt.Errorf("/proc/self/status has no CapBnd line")
}

// capNumbers maps the capability names of the OCI spec to their numbers (linux/capability.h).
var capNumbers = map[string]uint{
	"CAP_CHOWN": 0, "CAP_DAC_OVERRIDE": 1, "CAP_DAC_READ_SEARCH": 2, "CAP_FOWNER": 3, "CAP_FSETID": 4,
	"CAP_KILL": 5, "CAP_SETGID": 6, "CAP_SETUID": 7, "CAP_SETPCAP": 8, "CAP_LINUX_IMMUTABLE": 9,
	"CAP_NET_BIND_SERVICE": 10, "CAP_NET_BROADCAST": 11, "CAP_NET_ADMIN": 12, "CAP_NET_RAW": 13,
	"CAP_IPC_LOCK": 14, "CAP_IPC_OWNER": 15, "CAP_SYS_MODULE": 16, "CAP_SYS_RAWIO": 17,
	"CAP_SYS_CHROOT": 18, "CAP_SYS_PTRACE": 19, "CAP_SYS_PACCT": 20, "CAP_SYS_ADMIN": 21,
	"CAP_SYS_BOOT": 22, "CAP_SYS_NICE": 23, "CAP_SYS_RESOURCE": 24, "CAP_SYS_TIME": 25,
	"CAP_SYS_TTY_CONFIG": 26, "CAP_MKNOD": 27, "CAP_LEASE": 28, "CAP_AUDIT_WRITE": 29,
	"CAP_AUDIT_CONTROL": 30, "CAP_SETFCAP": 31, "CAP_MAC_OVERRIDE": 32, "CAP_MAC_ADMIN": 33,
	"CAP_SYSLOG": 34, "CAP_WAKE_ALARM": 35, "CAP_BLOCK_SUSPEND": 36, "CAP_AUDIT_READ": 37,
	"CAP_PERFMON": 38, "CAP_BPF": 39, "CAP_CHECKPOINT_RESTORE": 40,
}

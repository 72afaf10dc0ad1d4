package main

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestClamp(t *testing.T) {
	t.Parallel()
	config := `{"ociVersion":"1.0.2","process":{"args":["sh"],"capabilities":{"bounding":["CAP_CHOWN","CAP_SYS_RESOURCE","CAP_BPF"],"effective":["CAP_SYS_RESOURCE"]}},"root":{"path":"rootfs"}}`
	// Everything but CAP_SYS_RESOURCE (24).
	bounding := uint64(1<<41-1) &^ (1 << 24)
	out, changed, err := clamp([]byte(config), true, bounding)
	if err != nil || !changed {
		t.Fatalf("clamp: changed %v, err %v; want a change", changed, err)
	}
	var doc struct {
		OCIVersion string `json:"ociVersion"`
		Process    struct {
			Args         []string            `json:"args"`
			Capabilities map[string][]string `json:"capabilities"`
		} `json:"process"`
		Root map[string]string `json:"root"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"bounding": {"CAP_CHOWN", "CAP_BPF"}, "effective": {}}
	if diff := cmp.Diff(want, doc.Process.Capabilities); diff != "" {
		t.Errorf("capabilities (-want +got):\n%s", diff)
	}
	if doc.OCIVersion != "1.0.2" || doc.Root["path"] != "rootfs" || doc.Process.Args[0] != "sh" {
		t.Errorf("other fields changed: %s", out)
	}
	// A full bounding set changes nothing, and a bare process file (exec --process) is clamped too.
	if _, changed, _ := clamp([]byte(config), true, 1<<41-1); changed {
		t.Error("full bounding set: clamp changed the config")
	}
	proc := `{"args":["ls"],"capabilities":{"permitted":["CAP_SYS_RESOURCE","CAP_KILL"]}}`
	out, changed, err = clamp([]byte(proc), false, bounding)
	if err != nil || !changed || string(out) != `{"args":["ls"],"capabilities":{"permitted":["CAP_KILL"]}}` {
		t.Errorf("process file: %s, changed %v, err %v", out, changed, err)
	}
}

func TestArgs(t *testing.T) {
	t.Parallel()
	cmd, rest := subcommand([]string{"--root", "/run/runc", "--log", "/x.log", "create", "--bundle", "/b", "id"})
	if cmd != "create" || flagValue(rest, "bundle", "b") != "/b" {
		t.Errorf("subcommand = %q, bundle %q; want create, /b", cmd, flagValue(rest, "bundle", "b"))
	}
	cmd, rest = subcommand([]string{"exec", "--process=/p.json", "id"})
	if cmd != "exec" || flagValue(rest, "process", "p") != "/p.json" {
		t.Errorf("exec: %q %q", cmd, flagValue(rest, "process", "p"))
	}
}

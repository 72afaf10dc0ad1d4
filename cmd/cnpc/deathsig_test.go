package main

import (
	"bufio"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestSuiteDiesWithCnpc starts this test binary as a stand-in for cnpc, which starts a child the
// way runSuite starts the suite, then kills the stand-in with SIGKILL: the child must be gone
// within a few seconds instead of running on.
func TestSuiteDiesWithCnpc(t *testing.T) {
	if os.Getenv("CNPC_DEATHSIG_PARENT") == "1" {
		deathsigParent()
		return
	}
	parent := exec.Command(os.Args[0], "-test.run=^TestSuiteDiesWithCnpc$")
	parent.Env = append(os.Environ(), "CNPC_DEATHSIG_PARENT=1")
	out, err := parent.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("read the child's pid: %v", err)
	}
	child, err := strconv.Atoi(line[:len(line)-1])
	if err != nil {
		t.Fatalf("child pid %q: %v", line, err)
	}
	if err := parent.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	parent.Wait()
	deadline := time.Now().Add(5 * time.Second)
	for syscall.Kill(child, 0) == nil {
		if time.Now().After(deadline) {
			syscall.Kill(child, syscall.SIGKILL)
			t.Fatalf("child %d still runs 5 s after its parent was killed", child)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// deathsigParent starts the child as runSuite does, prints its pid and waits to be killed.
func deathsigParent() {
	cmd := exec.Command("sleep", "60")
	cmd.SysProcAttr = suiteProcAttr()
	if err := cmd.Start(); err != nil {
		os.Exit(1)
	}
	os.Stdout.WriteString(strconv.Itoa(cmd.Process.Pid) + "\n")
	cmd.Wait()
	os.Exit(0)
}

package images

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Builder builds images into the local docker and keeps its intermediate outputs (binaries,
// sources, root filesystems, logs) under Dir.
type Builder struct {
	// Dir is the cache directory (DefaultDir when empty).
	Dir string
	// Repo is the cnpc checkout, which holds images/modules, images/patches and images/stubs.
	Repo string
	// Out receives one progress line when a step starts and one when it ends.
	Out io.Writer
	// Force rebuilds every step, cached or not.
	Force bool

	now   func() time.Time
	steps int
}

// DefaultDir is $CNPC_CACHE, else <user cache dir>/cnpc.
func DefaultDir() string {
	if d := os.Getenv("CNPC_CACHE"); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "cnpc")
	}
	return filepath.Join(os.TempDir(), "cnpc-cache")
}

// ToolError says that a command the build needs is missing, and how to install it. The CLI maps
// it to the environment exit code.
type ToolError struct {
	Tool, Why, Install string
}

func (e *ToolError) Error() string {
	return fmt.Sprintf("%s is needed to %s but is missing: %s", e.Tool, e.Why, e.Install)
}

// StepError is a failed build step; Log is the file with the step's whole output.
type StepError struct {
	Step string
	Log  string
	Err  error
}

func (e *StepError) Error() string {
	return fmt.Sprintf("build step %q failed: %v (full log: %s)", e.Step, e.Err, e.Log)
}

func (e *StepError) Unwrap() error { return e.Err }

func (b *Builder) dir(parts ...string) string {
	root := b.Dir
	if root == "" {
		root = DefaultDir()
	}
	return filepath.Join(append([]string{root}, parts...)...)
}

func (b *Builder) clock() time.Time {
	if b.now != nil {
		return b.now()
	}
	return time.Now()
}

func (b *Builder) printf(format string, args ...any) {
	if b.Out != nil {
		fmt.Fprintf(b.Out, format+"\n", args...)
	}
}

// step runs one build step: done reports whether its output already exists (and Force is off),
// else run builds it with its output going to the step's log file. It prints the step's start
// and its end with the elapsed time, and on failure the last lines of the log and its path.
func (b *Builder) step(ctx context.Context, name string, done func() bool, run func(ctx context.Context, log io.Writer) error) error {
	b.steps++
	n := b.steps
	if !b.Force && done() {
		b.printf("build %2d. %s: cached", n, name)
		return nil
	}
	logPath := b.dir("logs", slug(name)+".log")
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return err
	}
	f, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer f.Close()
	b.printf("build %2d. %s ...", n, name)
	start := b.clock()
	err = run(ctx, f)
	elapsed := b.clock().Sub(start).Round(time.Second)
	if err != nil {
		b.printf("build %2d. %s: failed after %s", n, name, elapsed)
		if tail := logTail(logPath, 15); tail != "" {
			b.printf("%s", tail)
		}
		return &StepError{Step: name, Log: logPath, Err: err}
	}
	b.printf("build %2d. %s: done in %s", n, name, elapsed)
	return nil
}

// logTail returns the last n lines of a file, indented, or "" when it cannot be read.
func logTail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "    | " + strings.Join(lines, "\n    | ")
}

// slug turns a step name into a file name.
func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '-':
			b.WriteRune(r)
		default:
			b.WriteRune('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

// Key is the digest of a build's inputs; outputs carry its first 12 hex digits.
type Key string

// keyOf digests its parts in order, each length-prefixed so that no two part lists collide.
func keyOf(parts ...string) Key {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s;", len(p), p)
	}
	return Key(hex.EncodeToString(h.Sum(nil)))
}

// Short is the key's first 12 hex digits.
func (k Key) Short() string { return string(k)[:12] }

// run runs a command with its output going to log; a failure names the command.
func run(ctx context.Context, log io.Writer, dir string, env []string, name string, args ...string) error {
	fmt.Fprintf(log, "$ %s %s\n", name, strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = log, log
	if env != nil {
		cmd.Env = env
	}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", name, firstArg(args), err)
	}
	return nil
}

// output runs a command and returns its stdout; a failure carries its stderr.
func output(ctx context.Context, dir string, env []string, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = env
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

func firstArg(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

// requireTool returns a ToolError when name is not on PATH.
func requireTool(name, why, install string) error {
	if _, err := exec.LookPath(name); err != nil {
		return &ToolError{Tool: name, Why: why, Install: install}
	}
	return nil
}

// exists reports whether every path exists.
func exists(paths ...string) bool {
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			return false
		}
	}
	return true
}

// errNotPinned is returned for a source module with no line in images/sources.sum.
var errNotPinned = errors.New("not pinned in images/sources.sum")

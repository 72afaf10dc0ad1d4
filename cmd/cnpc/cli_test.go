package main

import (
	"bytes"
	"strings"
	"testing"
)

// runCLI runs the CLI in process and returns stdout, stderr (with the error as main prints it)
// and the exit code.
func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(args, streams{In: strings.NewReader(""), Out: &out, Err: &errOut})
	if err != nil {
		errOut.WriteString("cnpc: " + err.Error() + "\n")
	}
	return out.String(), errOut.String(), exitCode(err)
}

// TestHelp: every command's --help names its arguments, says what it does and shows examples, on
// stdout, with exit 0.
func TestHelp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"--help"}, []string{"Usage:\n  cnpc [flags]\n  cnpc [command]", "Available Commands:", "completion", "predict", "run", "Exit codes: 0 all verdicts matched"}},
		{[]string{"help"}, []string{"Available Commands:", "explain"}},
		{[]string{"help", "predict"}, []string{"cnpc predict CASE [flags]", "-o, --output string"}},
		{[]string{"run", "--help"}, []string{"cnpc run --cni NAME [flags] [CASE...]", "Each CASE argument is a case file of your own", "Examples:\n  cnpc run --cni calico\n",
			"cnpc run --cni calico my-case.yaml other-case.yaml", "--cases catalog,own --case-dir my-cases/", "--case-dir stringArray", "--out-dir string", "-q, --quiet", "-v, --verbosity int"}},
		{[]string{"predict", "-h"}, []string{"cnpc predict CASE [flags]", "Examples:\n  cnpc predict my-case.yaml\n", "truth table"}},
		{[]string{"explain", "--help"}, []string{"cnpc explain CASE --from PEER --to PEER --port N [flags]", "Examples:", "--protocol string"}},
		{[]string{"cases", "--help"}, []string{"cnpc cases [flags]\n  cnpc cases [command]", "generate", "validate"}},
		{[]string{"cases", "list", "--help"}, []string{"cnpc cases list [flags]", "--features string", "Examples:"}},
		{[]string{"cases", "validate", "--help"}, []string{"cnpc cases validate PATH... [flags]", "file:line:col", "Examples:"}},
		{[]string{"cases", "generate", "--help"}, []string{"cnpc cases generate --out-dir DIR [flags]", "--out-dir string", "Examples:"}},
		{[]string{"report", "--help"}, []string{"cnpc report RESULTS.json [flags]", "-o, --output string", "--out-file string", "--out-dir string", "matrix"}},
		{[]string{"report", "matrix", "--help"}, []string{"cnpc report matrix RESULTS.json... [flags]", "-o, --output string", "Examples:"}},
		{[]string{"build", "--help"}, []string{"cnpc build --cni NAME [flags]", "Examples:\n  cnpc build --cni calico\n"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			out, errOut, code := runCLI(t, tt.args...)
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("help lacks %q:\n%s", w, out)
				}
			}
			// Deprecated aliases work but are not advertised.
			for _, hidden := range []string{"--format", "--out ", "--q ", "--v "} {
				if strings.Contains(out, hidden) {
					t.Errorf("help shows the deprecated %q:\n%s", hidden, out)
				}
			}
		})
	}
}

func TestCompletion(t *testing.T) {
	t.Parallel()
	for shell, want := range map[string]string{
		"bash": "__start_cnpc()",
		"zsh":  "#compdef cnpc",
		"fish": "complete -c cnpc ",
	} {
		t.Run(shell, func(t *testing.T) {
			t.Parallel()
			out, errOut, code := runCLI(t, "completion", shell)
			if code != 0 || errOut != "" || !strings.Contains(out, want) {
				t.Errorf("completion %s: exit %d, stderr %q, script has %q: %v", shell, code, errOut, want, strings.Contains(out, want))
			}
		})
	}
	_, errOut, code := runCLI(t, "completion", "tcsh")
	if code != 2 || errOut != "cnpc: completion: unknown shell \"tcsh\", expected bash, zsh, fish or powershell\n" {
		t.Errorf("completion tcsh: exit %d, stderr %q; want a usage error", code, errOut)
	}
	if _, errOut, code := runCLI(t, "completion"); code != 2 || !strings.Contains(errOut, "completion: expected a shell") {
		t.Errorf("completion without a shell: exit %d, stderr %q", code, errOut)
	}
	// Flag values complete from their closed lists.
	out, _, code := runCLI(t, "__complete", "run", "--cni", "cal")
	if code != 0 || !strings.Contains(out, "calico\n") || strings.Contains(out, "flannel\n") {
		t.Errorf("__complete run --cni cal: exit %d, output:\n%s", code, out)
	}
}

// TestUsageErrors: what cobra rejects before a command runs is a usage error (exit 2), reported
// once, on stderr.
func TestUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   []string
		stderr string
		stdout string
	}{
		{"no command: usage on stdout", nil, "cnpc: no command given\n", "Available Commands:"},
		{"unknown command", []string{"frobnicate"}, `cnpc: unknown command "frobnicate"; run 'cnpc help' for the list` + "\n", ""},
		{"unknown flag", []string{"predict", "--bogus", "x.yaml"}, "cnpc: predict: unknown flag: --bogus (see cnpc predict --help)\n", ""},
		{"flag without value", []string{"explain", "x.yaml", "--port"}, "cnpc: explain: flag needs an argument: --port (see cnpc explain --help)\n", ""},
		{"bad flag value", []string{"explain", "x.yaml", "--port", "eighty"}, `cnpc: explain: invalid argument "eighty" for "--port" flag`, ""},
		{"unknown cases subcommand", []string{"cases", "show-all"}, `cnpc: cases: unknown subcommand "show-all", expected list, show, validate or generate` + "\n", ""},
		{"version takes no argument", []string{"version", "x"}, `cnpc: version takes no arguments, found ["x"]` + "\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, errOut, code := runCLI(t, tt.args...)
			if code != exitBadInput {
				t.Errorf("exit %d, want %d", code, exitBadInput)
			}
			if tt.stdout == "" && out != "" || !strings.Contains(out, tt.stdout) {
				t.Errorf("stdout %q, want it to contain %q", out, tt.stdout)
			}
			// Everything on stderr is the error, once: no usage text, no second copy.
			if !strings.HasPrefix(errOut, tt.stderr) || strings.Count(errOut, "cnpc: ") != 1 || strings.Contains(errOut, "Usage:") {
				t.Errorf("stderr %q, want exactly one error starting %q", errOut, tt.stderr)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, errOut, code := runCLI(t, args...)
		if code != 0 || errOut != "" || !strings.HasPrefix(out, "cnpc dev (commit ") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

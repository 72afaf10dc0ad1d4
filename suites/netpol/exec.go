package netpol

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/remotecommand"
)

// ExecResult is what one exec left behind: both streams, kept for error messages and reports.
type ExecResult struct {
	Stdout, Stderr []byte
}

// Exec runs command in a container of a pod with stdin attached, over SPDY, and returns its output.
// e2e-framework's ExecInPod has no stdin and panics on a bad URL, so the suite has its own.
func (c *Cluster) Exec(ctx context.Context, namespace, pod, container string, command []string, stdin []byte) (ExecResult, error) {
	req := c.exec.CoreV1().RESTClient().Post().
		Resource("pods").Namespace(namespace).Name(pod).SubResource("exec").
		VersionedParams(&corev1.PodExecOptions{
			Container: container,
			Command:   command,
			Stdin:     stdin != nil,
			Stdout:    true,
			Stderr:    true,
		}, scheme.ParameterCodec)
	ex, err := remotecommand.NewSPDYExecutor(c.rest, "POST", req.URL())
	if err != nil {
		return ExecResult{}, fmt.Errorf("exec in %s/%s: %w", namespace, pod, err)
	}
	var out, errOut bytes.Buffer
	opts := remotecommand.StreamOptions{Stdout: &out, Stderr: &errOut}
	if stdin != nil {
		opts.Stdin = bytes.NewReader(stdin)
	}
	err = ex.StreamWithContext(ctx, opts)
	res := ExecResult{Stdout: out.Bytes(), Stderr: errOut.Bytes()}
	if err != nil {
		return res, fmt.Errorf("exec %s in %s/%s: %w%s", strings.Join(command, " "), namespace, pod, err, tail(res.Stderr))
	}
	return res, nil
}

// tail returns the last lines of a command's stderr for an error message, or "".
func tail(stderr []byte) string {
	s := strings.TrimSpace(string(stderr))
	if s == "" {
		return ""
	}
	if len(s) > 600 {
		s = "..." + s[len(s)-600:]
	}
	return "\nstderr:\n" + s
}

package netpol

import (
	"bytes"
	"context"
	"fmt"
	"io"
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
	var out, errOut bytes.Buffer
	var in io.Reader
	if stdin != nil {
		in = bytes.NewReader(stdin)
	}
	err := c.ExecStream(ctx, namespace, pod, container, command, in, &out, &errOut)
	res := ExecResult{Stdout: out.Bytes(), Stderr: errOut.Bytes()}
	if err != nil {
		return res, fmt.Errorf("%w%s", err, tail(res.Stderr))
	}
	return res, nil
}

// ExecStream runs command in a container of a pod with the given streams (stdin may be nil) until
// it exits or ctx ends.
func (c *Cluster) ExecStream(ctx context.Context, namespace, pod, container string, command []string, stdin io.Reader, stdout, stderr io.Writer) error {
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
		return fmt.Errorf("exec in %s/%s: %w", namespace, pod, err)
	}
	if err := ex.StreamWithContext(ctx, remotecommand.StreamOptions{Stdin: stdin, Stdout: stdout, Stderr: stderr}); err != nil {
		return fmt.Errorf("exec %s in %s/%s: %w", strings.Join(command, " "), namespace, pod, err)
	}
	return nil
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

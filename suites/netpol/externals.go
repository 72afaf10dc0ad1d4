package netpol

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/cnpc-dev/cnpc/cases"
)

// Externals runs the topology's external hosts as docker containers of the probe image on the
// docker network the kind nodes use: outside the cluster (not pods, not host-network pods), but
// routable to and from it. Each carries the ownership label, and the suite removes only those.
type Externals struct {
	Network, Image, Binary string
	// Prefix starts every container name, e.g. "cnpc-ext-"; the host's name follows.
	Prefix string
}

// Route is a pod CIDR and the node IP it is reached through.
type Route struct{ CIDR, Via string }

func (x *Externals) container(name string) string { return x.Prefix + name }

// Start starts one container per external host (replacing a leftover one of ours), adds a route
// to every node's pod CIDR through that node so the host can open connections to pods, and
// returns the hosts' IPs.
func (x *Externals) Start(ctx context.Context, hosts []cases.External, routes []Route) (map[cases.PeerKey]string, error) {
	ips := map[cases.PeerKey]string{}
	for _, h := range hosts {
		name := x.container(h.Name)
		if err := x.removeOurs(ctx, name); err != nil {
			return nil, err
		}
		args := []string{"run", "-d", "--rm", "--label", OwnedLabel + "=" + OwnedValue, "--network", x.Network,
			"--name", name, x.Image, "serve", "--identity", h.Name, "--ports", portsArg(h.Ports)}
		if _, err := docker(ctx, args...); err != nil {
			return nil, fmt.Errorf("start external host %s: %w", h.Name, err)
		}
		ip, err := docker(ctx, "inspect", "-f", fmt.Sprintf(`{{(index .NetworkSettings.Networks %q).IPAddress}}`, x.Network), name)
		if err != nil || ip == "" {
			return nil, fmt.Errorf("external host %s: no IP on network %s: %v", h.Name, x.Network, err)
		}
		if err := x.addRoutes(ctx, name, routes); err != nil {
			return nil, fmt.Errorf("external host %s: %w", h.Name, err)
		}
		ips[h.Key()] = ip
	}
	return ips, nil
}

// Route adds routes to every running external host of hosts.
func (x *Externals) Route(ctx context.Context, hosts []cases.External, routes []Route) error {
	for _, h := range hosts {
		if err := x.addRoutes(ctx, x.container(h.Name), routes); err != nil {
			return fmt.Errorf("external host %s: %w", h.Name, err)
		}
	}
	return nil
}

// addRoutes enters the container's network namespace from the host (the probe image has no ip
// tool and no NET_ADMIN) and routes each pod CIDR through its node.
func (x *Externals) addRoutes(ctx context.Context, name string, routes []Route) error {
	pid, err := docker(ctx, "inspect", "-f", "{{.State.Pid}}", name)
	if err != nil {
		return err
	}
	for _, r := range routes {
		cmd := exec.CommandContext(ctx, "nsenter", "-t", pid, "-n", "ip", "route", "replace", r.CIDR, "via", r.Via)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("route %s via %s: %w: %s", r.CIDR, r.Via, err, strings.TrimSpace(string(out)))
		}
	}
	return nil
}

// Stop removes the containers of hosts; it touches only containers carrying our label.
func (x *Externals) Stop(ctx context.Context, hosts []cases.External) error {
	var errs []error
	for _, h := range hosts {
		errs = append(errs, x.removeOurs(ctx, x.container(h.Name)))
	}
	return errors.Join(errs...)
}

func (x *Externals) removeOurs(ctx context.Context, name string) error {
	label, err := docker(ctx, "inspect", "-f", fmt.Sprintf(`{{index .Config.Labels %q}}`, OwnedLabel), name)
	if err != nil {
		return nil // no such container
	}
	if label != OwnedValue {
		return fmt.Errorf("container %s exists without the label %s=%s: refusing to remove it", name, OwnedLabel, OwnedValue)
	}
	if _, err := docker(ctx, "rm", "-f", name); err != nil {
		return fmt.Errorf("remove external host container %s: %w", name, err)
	}
	return nil
}

// Run is the Runner of external sources: the prober through docker exec, batch on stdin.
func (x *Externals) Run(ctx context.Context, src cases.PeerKey, stdin []byte) (ExecResult, error) {
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(ctx, "docker", "exec", "-i", x.container(src.String()), x.Binary, "probe")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(stdin), &out, &errOut
	err := cmd.Run()
	res := ExecResult{Stdout: out.Bytes(), Stderr: errOut.Bytes()}
	if err != nil {
		return res, fmt.Errorf("docker exec %s: %w%s", x.container(src.String()), err, tail(res.Stderr))
	}
	return res, nil
}

// docker runs the docker CLI and returns its trimmed stdout; errors carry stderr.
func docker(ctx context.Context, args ...string) (string, error) {
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("docker %s: %w%s", strings.Join(args, " "), err, tail(errOut.Bytes()))
	}
	return strings.TrimSpace(out.String()), nil
}

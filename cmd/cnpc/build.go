package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/cnpc-dev/cnpc/clusters"
	"github.com/cnpc-dev/cnpc/images"
)

func init() { register(newBuildCommand) }

type buildFlags struct {
	cni, cacheDir, repo string
	force, quiet        bool
}

func newBuildCommand(s streams) *cobra.Command {
	f := &buildFlags{}
	cmd := &cobra.Command{
		Use:   "build --cni NAME",
		Short: "build a profile's images from source: node image, CNI images, manifest",
		Long: `Build makes everything a profile needs from pinned sources (images/README.md): the kind node
image, the CNI's images and its manifest, each step cached. cnpc run does the same before it
creates a cluster; build does it without running anything.`,
		Example: `  cnpc build --cni calico
  cnpc build --cni cilium --force -q`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return f.run(s) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.cni, "cni", "", "profile to build for: "+strings.Join(clusters.BuildableProfiles(), ", "))
	fl.StringVar(&f.cacheDir, "cache-dir", images.DefaultDir(), "where binaries, sources and logs are kept ($CNPC_CACHE)")
	fl.StringVar(&f.repo, "repo", ".", "the cnpc checkout (its images/ holds the pinned modules and patches)")
	fl.BoolVar(&f.force, "force", false, "rebuild every step, cached or not")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "no progress on stderr")
	alias(cmd, "q", "quiet")
	cmd.RegisterFlagCompletionFunc("cni", fixedCompletion(clusters.BuildableProfiles()))
	return cmd
}

func (f *buildFlags) run(s streams) error {
	p, err := clusters.LookupProfile(f.cni)
	if err != nil {
		return usageErrorf("--cni: %w", err)
	}
	if p.Build == nil {
		return usageErrorf("--cni: profile %s has nothing to build from source; buildable: %s", p.Name, strings.Join(clusters.BuildableProfiles(), ", "))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	b, err := f.builder(s)
	if err != nil {
		return err
	}
	built, err := b.Ensure(ctx, *p.Build, p.PodSubnet)
	if err != nil {
		return buildError(err)
	}
	fmt.Fprintf(s.Out, "node image: %s\nimages: %s\nmanifest: %s\n", built.NodeImage, strings.Join(built.Images, " "), built.Manifest)
	return nil
}

func (f *buildFlags) builder(s streams) (*images.Builder, error) {
	b, err := newBuilder(f.cacheDir, f.repo, f.quiet, s)
	if err != nil {
		return nil, err
	}
	b.Force = f.force
	return b, nil
}

// newBuilder is the image builder of cnpc build and cnpc run: the checkout that holds repoDir,
// the cache directory, progress on stderr unless quiet.
func newBuilder(cacheDir, repoDir string, quiet bool, s streams) (*images.Builder, error) {
	repo, err := images.FindRepo(repoDir)
	if err != nil {
		return nil, envError(err)
	}
	b := &images.Builder{Dir: cacheDir, Repo: repo, Out: s.Err}
	if quiet {
		b.Out = nil
	}
	return b, nil
}

// buildError maps a build failure to its exit code: every build failure is the environment's
// (a missing tool, a failed download or compile).
func buildError(err error) error {
	var te *images.ToolError
	if errors.As(err, &te) {
		return envError(fmt.Errorf("build: %w", te))
	}
	return envError(fmt.Errorf("build: %w", err))
}

package clusters

// custom installs whatever CNI the user brings: kind's default CNI is disabled, the user's
// manifests (--manifest, required) are applied and their images (--load-image) loaded. It has no
// version of its own (cnpc run --cni-name and --cni-version name the CNI in the reports), so a
// report shows "custom", never "custom@custom".
func custom() Profile {
	return Profile{
		Name:              "custom",
		Description:       "your own CNI: --manifest FILE (required) and --load-image IMG",
		Enforces:          true,
		RequiresManifest:  true,
		DisableDefaultCNI: true,
	}
}

func init() { register(custom()) }

package clusters

// custom installs whatever CNI the user brings: kind's default CNI is disabled, the user's
// manifests (--manifest, required) are applied and their images (--load-image) loaded. Its
// version is reported as "custom".
func custom() Profile {
	return Profile{
		Name:              "custom",
		Version:           "custom",
		Description:       "your own CNI: --manifest FILE (required) and --load-image IMG",
		Enforces:          true,
		RequiresManifest:  true,
		DisableDefaultCNI: true,
	}
}

func init() { register(custom()) }

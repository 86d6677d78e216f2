"""A whole tree: discovery of its files, the manifest, the git base, and loading every file
through its format."""

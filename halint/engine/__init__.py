"""Policy: which rules run, severities, suppressions, scoping to the paths asked for, the git base,
the result cache."""

"""Web pages of the registry: `pages` for everyone, `manage` for a project's Owners and Maintainers."""

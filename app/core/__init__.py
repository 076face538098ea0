"""Flask plumbing every feature uses, and no business rules: settings applied, database,
extensions, logs, languages, forms base, headers, proxies, guards, error pages, rate limits."""

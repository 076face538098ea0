"""Operations: serving, sessions, logs, audit, retention and backups."""

"""Telling people: the words of each message (texts), the hook that queues them with each
step (watch), the senders that deliver them (sms, robots, mail) and the `notify` worker."""

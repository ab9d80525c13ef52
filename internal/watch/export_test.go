package watch

// IsLocal lets tests treat their loopback SMTP server as remote.
var IsLocal = &isLocal

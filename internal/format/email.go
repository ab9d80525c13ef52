package format

// parseEmail is replaced by the RFC 5322/MIME reader.
func parseEmail(data []byte) (Document, error) { return parseText(data), nil }

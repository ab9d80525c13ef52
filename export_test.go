package leaktrace

// CodeDerived reports whether m has derived its whole code.
func CodeDerived(m *Marker) bool { return m.code != nil }

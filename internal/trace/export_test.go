package trace

// CalibrateExactForTest exposes calibrateExact to the external tests.
var CalibrateExactForTest = calibrateExact

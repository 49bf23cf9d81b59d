import Testing
// Tests of this module arrive with the module itself.

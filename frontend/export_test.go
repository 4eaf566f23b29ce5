package frontend

// CSPProblems lets the external tests check the pages they render against
// the Content-Security-Policy.
var CSPProblems = cspProblems

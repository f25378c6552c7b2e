package pgtest

import "os/exec"

// runAs: on Windows the server runs as this process's user.
type runAs struct{}

func serverUser() (*runAs, error) { return nil, nil }

func (*runAs) own(string) error { return nil }
func (*runAs) apply(*exec.Cmd)  {}

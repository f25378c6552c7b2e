package main

import "io"

// runCommand runs a scripting subcommand (search, book, status, cancel,
// bookings); ok is false when name is not one.
func runCommand(name string, args []string, stdout, stderr io.Writer) (code int, ok bool) {
	return 0, false
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"kohorte/models"
	"kohorte/services"
)

// operator is who the audit log names for what is done at the command line.
var operator = services.Actor{ClientAddr: "command line"}

// admin runs the account commands an operator needs when nobody can log in.
func admin(ctx context.Context, cfg config, operands []string, stdout io.Writer) error {
	if len(operands) != 2 || operands[0] != "reset-password" {
		return &usageError{msg: "usage: kohorte admin reset-password EMAIL"}
	}
	return resetPassword(ctx, cfg, operands[1], stdout)
}

// resetPassword prints a new one-time password for the account of email.
// The refusals are meant for the person at the terminal: German first,
// English second, exit status 1, and nothing changed.
func resetPassword(ctx context.Context, cfg config, email string, stdout io.Writer) error {
	log := newLogger(cfg, stdout)
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer models.Close(db)
	if err := migrateOrCheck(ctx, cfg, db); err != nil {
		return err
	}
	svc, err := newServices(db, cfg)
	if err != nil {
		return err
	}
	password, err := svc.Passwords.ResetByOperator(ctx, email, operator)
	var verr *services.ValidationError
	switch {
	case errors.As(err, &verr):
		return fmt.Errorf("%q ist keine E-Mail-Adresse / is not an e-mail address; nothing was changed", email)
	case errors.Is(err, services.ErrNotFound):
		return fmt.Errorf("kein Konto mit der E-Mail-Adresse %s / no account has the e-mail address %s; nothing was changed", email, email)
	case errors.Is(err, services.ErrAccountDisabled):
		return fmt.Errorf("das Konto %s ist gesperrt / the account %s is disabled; nothing was changed (an admin can enable it on /benutzer)", email, email)
	case err != nil:
		return err
	}
	_, err = fmt.Fprintf(stdout, "Einmalpasswort für %s / one-time password for %s: %s\n"+
		"Es muss bei der nächsten Anmeldung geändert werden; alle Anmeldungen und offenen Links des Kontos sind beendet. / "+
		"It must be changed at the next login; all logins and open links of the account have ended.\n", email, email, password)
	return err
}

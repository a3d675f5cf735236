"""The office's mail server, in and out: settings (:mod:`.settings`), the messages formkit sends
(:mod:`.compose`), sending with a send log (:mod:`.send`), and reading an IMAP mailbox (:mod:`.fetch`)."""

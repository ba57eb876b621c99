"""The clinic staff's side of the web app: their accounts, their sessions, the audit trail of
what they opened, and the pages themselves."""

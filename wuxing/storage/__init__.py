"""The database, the only writer: store, schema, revisions, snapshot, overlay, touches, conflicts,
bulk insert, events, connection, accounts, sessions."""

"""The database, the only writer: schema, store, snapshot, bulk insert, keys."""

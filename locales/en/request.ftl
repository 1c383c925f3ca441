# Request parameters that do not read (api::params).

request-id-malformed = Not a valid id

# Request parameters that do not read (api::params).

request-id-malformed = 编号格式不正确

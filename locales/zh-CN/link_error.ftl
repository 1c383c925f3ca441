# 页面 link_error.html

link-error-link-not-usable = 链接不可用
link-error-please-use-the-complete-link-from = 请使用短信或邮件中的完整链接。
link-error-the-link-is-no-longer-valid = 链接已失效。技师请联系车间主管重新派单；客户请致电经销店询问救援进度。
link-error-this-link-cannot-be-used = 链接不可用
link-error-unknown = 链接无效
link-error-bad-signature = 链接已被篡改
link-error-expired = 链接已过期
link-error-revoked = 链接已被撤销
link-error-wrong-scope = 此链接不能用于该页面

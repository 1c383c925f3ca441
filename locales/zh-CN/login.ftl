# 页面 login.html

login-login = 登录名
login-password = 密码
login-sign-in = 登录

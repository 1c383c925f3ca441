# 页面 login.html

login-login = 登录名
login-password = 密码
login-sign-in = 登录
login-page-expired = 页面已过期，请重新登录

# Page login.html

login-login = Login
login-password = Password
login-sign-in = Sign in

# Page login.html

login-login = Login
login-password = Password
login-sign-in = Sign in
login-page-expired = The page expired; please sign in again

-- wrk script: POST /api/v1/session with the demo credentials in env LOGIN_USER / LOGIN_PASSWORD.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format('{"username":"%s","password":"%s"}', os.getenv("LOGIN_USER"), os.getenv("LOGIN_PASSWORD"))

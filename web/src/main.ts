// The entry: tiny on purpose. It starts the first API requests at once (the session check and,
// on the hierarchy page, the province list) and then loads the app, whose chunk index.html has
// already asked for (<link rel=modulepreload>), so network round trips overlap instead of
// following one another (see bench/README.md, "Time to interactive").
import { startBootRequests } from './boot'

startBootRequests()
void import('./app')

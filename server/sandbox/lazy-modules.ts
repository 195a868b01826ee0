// Docker and SSH client libraries are loaded on first use: most hosts run the local backend, and loading dockerode
// (with gRPC and protobuf) and ssh2 at start would slow every editor's first `initialize` reply.
type Dockerode = typeof import('dockerode');
type Ssh2 = typeof import('ssh2');

let dockerode: Dockerode | undefined;
let ssh2: Ssh2 | undefined;

export function loadDockerode(): Dockerode {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (dockerode ??= require('dockerode') as Dockerode);
}

export function loadSsh2(): Ssh2 {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (ssh2 ??= require('ssh2') as Ssh2);
}

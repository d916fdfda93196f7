/**
 * A classic-BPF seccomp program that cuts network access below the network namespace, for
 * commands that run with the network off:
 *
 * - `socket` and `socketpair` only for AF_UNIX, and only of stream or seqpacket type: a datagram
 *   socket, even one of a socketpair, can `sendto`/`sendmsg` a named socket on the host (the
 *   journal's, syslog's) without ever calling `connect`; stream socketpairs between the command's
 *   own processes keep working;
 * - `connect` is refused outright: Unix sockets on the host (the D-Bus session bus, docker.sock,
 *   X11, ssh-agent) are reachable through the read-only file system view, and each is a way out;
 * - `bind` and `listen` are refused too: with `connect` gone nothing inside could talk to a
 *   listener, so a listening socket could only serve processes outside (say, a fake agent socket
 *   planted in a writable root);
 * - `io_uring` (which can open sockets without the `socket` call) and `ptrace` (which could
 *   rewrite a traced process's syscalls) are refused.
 *
 * Refused calls fail with EPERM ("Operation not permitted"), which the denial heuristics
 * recognise. bubblewrap loads the program with `--seccomp FD`, reading raw `struct sock_filter`
 * entries (8 bytes each: u16 code, u8 jt, u8 jf, u32 k, native endian) until end of file.
 */

// Classic BPF opcodes.
const LOAD_WORD_ABS = 0x20; // BPF_LD | BPF_W | BPF_ABS
const AND_K = 0x54; // BPF_ALU | BPF_AND | BPF_K
const JUMP_EQ = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
const JUMP_GE = 0x35; // BPF_JMP | BPF_JGE | BPF_K
const RETURN = 0x06; // BPF_RET | BPF_K

const RET_ALLOW = 0x7fff0000;
const RET_EPERM = 0x00050000 | 1; // SECCOMP_RET_ERRNO | EPERM

// Offsets in struct seccomp_data (little-endian: the low 32 bits of each argument).
const OFFSET_NR = 0;
const OFFSET_ARCH = 4;
const OFFSET_ARG0_LOW = 16;
const OFFSET_ARG1_LOW = 24;

const AF_UNIX = 1;
const SOCK_STREAM = 1;
const SOCK_SEQPACKET = 5;
/** The socket type without SOCK_NONBLOCK / SOCK_CLOEXEC. */
const SOCK_TYPE_MASK = 0xf;
const X32_SYSCALL_BIT = 0x40000000;

type ArchTable = {
  auditArch: number;
  socket: number;
  socketpair: number;
  denied: number[];
  /** x86_64 also runs x32 calls under the same audit arch; they are refused wholesale. */
  refuseX32: boolean;
};

const ARCHES: Record<string, ArchTable> = {
  x64: {
    auditArch: 0xc000003e,
    socket: 41,
    socketpair: 53,
    // ptrace, io_uring_setup, io_uring_enter, io_uring_register, connect, bind, listen
    denied: [101, 425, 426, 427, 42, 49, 50],
    refuseX32: true,
  },
  arm64: {
    auditArch: 0xc00000b7,
    socket: 198,
    socketpair: 199,
    denied: [117, 425, 426, 427, 203, 200, 201],
    refuseX32: false,
  },
};

type Label = "allow" | "deny" | "checkSocket";
type Instruction = { code: number; k: number; ifTrue?: Label; ifFalse?: Label };

/**
 * The filter for `arch` (a `process.arch` value), or null where we have no syscall table
 * (the network namespace still applies there).
 */
export function buildNetworkSeccompFilter(arch: string = process.arch): Buffer | null {
  const table = ARCHES[arch];
  if (!table || !isLittleEndian()) return null;
  const program: Array<Instruction | Label> = [
    { code: LOAD_WORD_ABS, k: OFFSET_ARCH },
    // A foreign ABI (say i386 on x86_64) has other syscall numbers: refuse all of it.
    { code: JUMP_EQ, k: table.auditArch, ifFalse: "deny" },
    { code: LOAD_WORD_ABS, k: OFFSET_NR },
  ];
  if (table.refuseX32) program.push({ code: JUMP_GE, k: X32_SYSCALL_BIT, ifTrue: "deny" });
  for (const nr of table.denied) program.push({ code: JUMP_EQ, k: nr, ifTrue: "deny" });
  program.push(
    { code: JUMP_EQ, k: table.socket, ifTrue: "checkSocket" },
    { code: JUMP_EQ, k: table.socketpair, ifTrue: "checkSocket" },
    { code: RETURN, k: RET_ALLOW },
    "checkSocket",
    { code: LOAD_WORD_ABS, k: OFFSET_ARG0_LOW },
    { code: JUMP_EQ, k: AF_UNIX, ifFalse: "deny" },
    { code: LOAD_WORD_ABS, k: OFFSET_ARG1_LOW },
    { code: AND_K, k: SOCK_TYPE_MASK },
    { code: JUMP_EQ, k: SOCK_STREAM, ifTrue: "allow" },
    { code: JUMP_EQ, k: SOCK_SEQPACKET, ifTrue: "allow", ifFalse: "deny" },
    "allow",
    { code: RETURN, k: RET_ALLOW },
    "deny",
    { code: RETURN, k: RET_EPERM },
  );
  return assemble(program);
}

/** Lays out the instructions, resolving each jump to its label. */
function assemble(program: Array<Instruction | Label>): Buffer {
  const labels = new Map<Label, number>();
  const instructions: Instruction[] = [];
  for (const item of program) {
    if (typeof item === "string") labels.set(item, instructions.length);
    else instructions.push(item);
  }
  const out = Buffer.alloc(instructions.length * 8);
  instructions.forEach((ins, index) => {
    // Jump offsets count from the next instruction; 0 means "fall through".
    const offset = (label?: Label) => (label === undefined ? 0 : labels.get(label)! - index - 1);
    out.writeUInt16LE(ins.code, index * 8);
    out.writeUInt8(offset(ins.ifTrue), index * 8 + 2);
    out.writeUInt8(offset(ins.ifFalse), index * 8 + 3);
    out.writeUInt32LE(ins.k >>> 0, index * 8 + 4);
  });
  return out;
}

function isLittleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

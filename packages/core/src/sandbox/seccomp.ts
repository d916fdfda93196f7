/**
 * A classic-BPF seccomp program that cuts network access below the network namespace: sockets may
 * only be created for AF_UNIX, and `io_uring` (which can open sockets without the `socket` call)
 * and `ptrace` (which could rewrite a traced process's syscalls) are refused. Refused calls fail
 * with EPERM ("Operation not permitted"), which the denial heuristics recognise.
 *
 * bubblewrap loads it with `--seccomp FD`, reading raw `struct sock_filter` entries
 * (8 bytes each: u16 code, u8 jt, u8 jf, u32 k, native endian) until end of file.
 */

// Classic BPF opcodes.
const LOAD_WORD_ABS = 0x20; // BPF_LD | BPF_W | BPF_ABS
const JUMP_EQ = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
const JUMP_GE = 0x35; // BPF_JMP | BPF_JGE | BPF_K
const RETURN = 0x06; // BPF_RET | BPF_K

const RET_ALLOW = 0x7fff0000;
const RET_EPERM = 0x00050000 | 1; // SECCOMP_RET_ERRNO | EPERM

// Offsets in struct seccomp_data.
const OFFSET_NR = 0;
const OFFSET_ARCH = 4;
const OFFSET_ARG0_LOW = 16; // little-endian: the low 32 bits of args[0]

const AF_UNIX = 1;
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
    // ptrace, io_uring_setup, io_uring_enter, io_uring_register
    denied: [101, 425, 426, 427],
    refuseX32: true,
  },
  arm64: {
    auditArch: 0xc00000b7,
    socket: 198,
    socketpair: 199,
    denied: [117, 425, 426, 427],
    refuseX32: false,
  },
};

type Instruction = { code: number; k: number; ifTrue?: Label; ifFalse?: Label };
type Label = "allow" | "deny" | "checkDomain";

/**
 * The filter for `arch` (a `process.arch` value), or null where we have no syscall table
 * (the network namespace still applies there).
 */
export function buildNetworkSeccompFilter(arch: string = process.arch): Buffer | null {
  const table = ARCHES[arch];
  if (!table || !isLittleEndian()) return null;
  const body: Instruction[] = [
    { code: LOAD_WORD_ABS, k: OFFSET_ARCH },
    // A foreign ABI (say i386 on x86_64) has other syscall numbers: refuse all of it.
    { code: JUMP_EQ, k: table.auditArch, ifFalse: "deny" },
    { code: LOAD_WORD_ABS, k: OFFSET_NR },
  ];
  if (table.refuseX32) body.push({ code: JUMP_GE, k: X32_SYSCALL_BIT, ifTrue: "deny" });
  for (const nr of table.denied) body.push({ code: JUMP_EQ, k: nr, ifTrue: "deny" });
  body.push({ code: JUMP_EQ, k: table.socket, ifTrue: "checkDomain" });
  body.push({ code: JUMP_EQ, k: table.socketpair, ifTrue: "checkDomain" });
  body.push({ code: RETURN, k: RET_ALLOW });
  const labels: Record<Label, number> = {
    checkDomain: body.length,
    allow: body.length + 2,
    deny: body.length + 3,
  };
  body.push({ code: LOAD_WORD_ABS, k: OFFSET_ARG0_LOW });
  body.push({ code: JUMP_EQ, k: AF_UNIX, ifFalse: "deny" });
  body.push({ code: RETURN, k: RET_ALLOW });
  body.push({ code: RETURN, k: RET_EPERM });
  return assemble(body, labels);
}

function assemble(program: Instruction[], labels: Record<Label, number>): Buffer {
  const out = Buffer.alloc(program.length * 8);
  program.forEach((ins, index) => {
    // Jump offsets count from the next instruction; 0 means "fall through".
    const offset = (label?: Label) => (label === undefined ? 0 : labels[label] - index - 1);
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

/*
** kvm_exits.c — a workload that makes real KVM exits, for trace fixtures.
**
**  1. Opens /dev/kvm, creates a VM with one page of guest memory at 0x1000 and
**     one vCPU in real mode running: out 0x10, al; inc al; hlt; jmp back.
**     Each KVM_RUN ends in an I/O exit (IOIO / IO_INSTRUCTION) or a HLT exit.
**  2. The thread running the vCPU is named "CPU 0/KVM" with prctl(PR_SET_NAME),
**     as QEMU names its vCPU threads, so task names with spaces reach the trace.
**  3. argv[1] = number of KVM_RUN calls (default 2000); every 100 runs it
**     sleeps 1 ms so that the trace also has sleep/wakeup/switch events.
**  4. Other arguments are ignored (so it can pose as a QEMU command line);
**     KVM_EXITS_HOLD=N keeps the process alive N seconds after the loop.
**  5. Exit status 0 on success; 77 when /dev/kvm cannot be used (tests skip).
*/
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  long runs = argc > 1 && argv[1][0] >= '0' && argv[1][0] <= '9' ? atol(argv[1]) : 2000;
  int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (kvm < 0) { perror("/dev/kvm"); return 77; }
  int vm = ioctl(kvm, KVM_CREATE_VM, 0);
  if (vm < 0) { perror("KVM_CREATE_VM"); return 77; }
  unsigned char *mem = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) { perror("mmap"); return 1; }
  /* 1000: e6 10   out 0x10, al
     1002: fe c0   inc al
     1004: f4      hlt
     1005: eb f9   jmp 1000 */
  static const unsigned char code[] = {0xe6, 0x10, 0xfe, 0xc0, 0xf4, 0xeb, 0xf9};
  memcpy(mem, code, sizeof code);
  struct kvm_userspace_memory_region region = {
      .slot = 0, .guest_phys_addr = 0x1000, .memory_size = 0x1000, .userspace_addr = (unsigned long)mem};
  if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) { perror("KVM_SET_USER_MEMORY_REGION"); return 1; }
  int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
  if (vcpu < 0) { perror("KVM_CREATE_VCPU"); return 1; }
  int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
  struct kvm_run *run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
  if (run == MAP_FAILED) { perror("mmap kvm_run"); return 1; }
  struct kvm_sregs sregs;
  if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0) { perror("KVM_GET_SREGS"); return 1; }
  sregs.cs.base = 0;
  sregs.cs.selector = 0;
  if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0) { perror("KVM_SET_SREGS"); return 1; }
  struct kvm_regs regs = {.rip = 0x1000, .rax = 0, .rflags = 0x2};
  if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0) { perror("KVM_SET_REGS"); return 1; }
  prctl(PR_SET_NAME, "CPU 0/KVM", 0, 0, 0);
  long io = 0, hlt = 0;
  for (long i = 0; i < runs; i++) {
    if (ioctl(vcpu, KVM_RUN, 0) < 0) { perror("KVM_RUN"); return 1; }
    if (run->exit_reason == KVM_EXIT_IO) io++;
    else if (run->exit_reason == KVM_EXIT_HLT) hlt++;
    else { fprintf(stderr, "unexpected exit reason %u\n", run->exit_reason); return 1; }
    if (i % 100 == 99) {
      struct timespec ts = {0, 1000000};
      nanosleep(&ts, NULL);
    }
  }
  printf("runs=%ld io=%ld hlt=%ld\n", runs, io, hlt);
  fflush(stdout);
  const char *hold = getenv("KVM_EXITS_HOLD");
  if (hold) sleep((unsigned)atoi(hold));
  return 0;
}

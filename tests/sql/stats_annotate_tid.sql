-- annotate_tid: perfwhiz's '<task_name>.<group_id %02d>.<type>' from task_map.
SELECT perfsql_init() IS NOT NULL;
INSERT INTO source(id, kind, uri, content_hash) VALUES (1, 'taskmap', 'vms.csv', 'x');
-- the perfwhiz documentation's example rows, for every capture (capture NULL)
INSERT INTO task_map(source_id, capture, tid, type, group_id, task_name) VALUES
  (1, NULL, 19236, 'vcpu0', 5, 'Firewall'),
  (1, NULL, 453, 'emulator', 2, 'Router'),
  (1, 'run2', 453, 'emulator', 7, 'Router'),
  (1, NULL, 77, 'vcpu1', NULL, 'NAT'),
  (1, NULL, 78, 'vcpu0', 100, 'DPI');
SELECT annotate_tid(19236, 'CPU 0/KVM'), annotate_tid(453, 'qemu-kvm');
-- a capture's own row wins over the capture-NULL row; other captures get the NULL row
SELECT annotate_tid(453, 'qemu-kvm', 'run2'), annotate_tid(453, 'qemu-kvm', 'run1'), annotate_tid(453, 'qemu-kvm', NULL);
-- group_id NULL -> no group part; three digits stay three digits
SELECT annotate_tid(77, 'c'), annotate_tid(78, 'c');
-- no row -> comm unchanged (NULL included); tid NULL -> comm
SELECT annotate_tid(1, 'bash'), annotate_tid(1, NULL), annotate_tid(NULL, 'bash');
-- the cache follows changes made by this connection
UPDATE task_map SET group_id = 12 WHERE tid = 19236;
SELECT annotate_tid(19236, 'CPU 0/KVM');
DELETE FROM task_map WHERE tid = 19236;
SELECT annotate_tid(19236, 'CPU 0/KVM');

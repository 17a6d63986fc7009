-- remote_* helper functions: exact results (Python semantics where the framework is Python).
SELECT 'clean1', remote_command_clean('sudo python3 x.py --dev {VM_INTERFACE} --queue 3   --verbose');
SELECT 'clean2', remote_command_clean('  a  --src-ip {SRC_IP} --all {x} ');
SELECT 'clean3', remote_command_clean(NULL) IS NULL;
SELECT 'epoch_ref', remote_epoch('2025-10-21 14:12:43.774', '2025-10-21 14:12:39.672278096', 1761055959);
SELECT 'epoch_neg', remote_epoch('2025-10-21 14:12:38.100', '2025-10-21 14:12:39.672278096', 1761055959);
SELECT 'epoch_utc', remote_epoch('1970-01-02 00:00:01.5', NULL, NULL);
SELECT 'epoch_bad', remote_epoch('yesterday', NULL, NULL) IS NULL;
SELECT 'round', remote_round(2.675, 2), remote_round(0.125, 2), remote_round(7, 2), remote_round(NULL, 2) IS NULL;
SELECT 'pystr', remote_pystr(41.0), remote_pystr(89.3), remote_pystr(26716), remote_pystr(1e16), remote_pystr(0.00001);
SELECT 'human', remote_human_bytes(0), remote_human_bytes(1147465), remote_human_bytes(721408);
SELECT 'round_err', remote_round(1.5, 16);

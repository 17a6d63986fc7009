-- trace_task: every thread of every capture with its display name (perfwhiz annotation applied).
--
-- Question: which tasks does a capture contain, and what is each called in reports?
-- Columns:
--   capture_id  capture.id
--   capture     capture.name
--   tid         thread id
--   pid         process id (thread group)
--   comm        last thread name seen in the capture ("CPU 0/KVM")
--   name        '<task-name>.<group-id 2 digits>.<type>' from task_map (perfwhiz), else comm
--   label       the thread's key in charts: its task-map name, else 'comm:tid' (threads that share a
--               comm stay apart)
CREATE VIEW trace_task AS
SELECT t.capture_id, c.name AS capture, t.tid, t.pid, t.comm,
       coalesce(CASE WHEN m.tid IS NULL THEN NULL
                     WHEN m.group_id IS NULL THEN m.task_name || '.' || m.type
                     ELSE printf('%s.%02d.%s', m.task_name, m.group_id, m.type) END,
                t.comm) AS name,
       CASE WHEN m.tid IS NULL THEN t.comm || ':' || t.tid
            WHEN m.group_id IS NULL THEN m.task_name || '.' || m.type
            ELSE printf('%s.%02d.%s', m.task_name, m.group_id, m.type) END AS label
FROM trace_thread AS t
JOIN capture AS c ON c.id = t.capture_id
LEFT JOIN task_map AS m ON m.tid = t.tid AND (m.capture = c.name OR m.capture IS NULL);

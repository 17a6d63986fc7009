-- remote_case_matrix: the test-case matrix the framework's bootstrap generates, from a loaded <env>-full.yaml.
--
-- Question: which eBPF tool cases does a configuration define, with which commands?
-- For every tool of every category whose environment the config has: the cartesian
-- product of its list-valued parameters in YAML order, then the directions (rx, tx) when
-- the category defines them and the template uses {SRC_IP}, {DST_IP} or {direction} —
-- so protocol is the outer loop and direction the inner one, like itertools.product
-- upstream. Ids count from 1 in category and tool order. The command is the template
-- with SRC_IP/DST_IP of the direction, then the parameters, the tool's own scalar
-- settings and the environment's values ({path}, {host_LOCAL_IP}, {host_REMOTE_IP},
-- {vm_LOCAL_IP}, {vm_REMOTE_IP}, {INTERNAL_INTERFACE}, {PHY_INTERFACE}, {VM_INTERFACE},
-- {QEMU_PID}) substituted, and unresolved "--opt {x}" pairs removed
-- (remote_command_clean). `perfsql export cases` writes it as <env>-cases.json.
-- Columns:
--   source_id     the remote-config load
--   config_path   the full config file in that load
--   environment_name   the config's `environment`
--   id            case id (1-based)
--   name          script without .py/.bt, '-' -> '_', then _{direction}, _protocol_{p},
--                 _{k}_{v} for other parameters with a true value
--   command       the resolved command
--   script        the tool script
--   category      the category path (tools.categories key)
--   environment   host | vm
--   parameters    JSON object of the combination (YAML order, direction last)
--   duration      defaults.duration (10 when absent)
CREATE VIEW remote_case_matrix AS
WITH RECURSIVE
cfg AS (
  SELECT source_id, path AS config_path, doc FROM remote_config WHERE kind = 'full'),
cat AS (
  SELECT cfg.source_id, cfg.config_path, cfg.doc, c.key AS category, c.id AS cat_ord,
         c.value AS cv, json_extract(c.value, '$.environment') AS environment
  FROM cfg, json_each(cfg.doc, '$.tools.categories') AS c
  WHERE json_type(cfg.doc, '$.environments."' || json_extract(c.value, '$.environment') || '"') IS NOT NULL),
tool AS (
  SELECT cat.*, t.key AS tool_idx, t.value AS tv, json_extract(t.value, '$.script') AS script,
         json_extract(t.value, '$.template') AS template
  FROM cat, json_each(cat.cv, '$.tools') AS t),
axis AS (
  SELECT tool.source_id, tool.config_path, tool.cat_ord, tool.tool_idx, p.key AS name,
         p.value AS vals, p.id AS ax_ord
  FROM tool, json_each(tool.tv, '$.parameters') AS p WHERE p.type = 'array'
  UNION ALL
  SELECT tool.source_id, tool.config_path, tool.cat_ord, tool.tool_idx, 'direction',
         (SELECT json_group_array(d.key) FROM json_each(tool.cv, '$.directions') AS d), 1e18
  FROM tool
  WHERE json_type(tool.cv, '$.directions') = 'object'
    AND (instr(tool.template, '{SRC_IP}') OR instr(tool.template, '{DST_IP}')
         OR instr(tool.template, '{direction}'))),
axis_n AS (
  SELECT axis.*, row_number() OVER (PARTITION BY source_id, config_path, cat_ord, tool_idx
                                    ORDER BY ax_ord) AS k,
         count(*) OVER (PARTITION BY source_id, config_path, cat_ord, tool_idx) AS n_axes
  FROM axis),
combo(source_id, config_path, cat_ord, tool_idx, k, params, sortkey) AS (
  SELECT source_id, config_path, cat_ord, tool_idx, 0, '{}', '' FROM tool
  UNION ALL
  SELECT c.source_id, c.config_path, c.cat_ord, c.tool_idx, c.k + 1,
         json_set(c.params, '$."' || a.name || '"', v.value), c.sortkey || printf('%06d', v.key)
  FROM combo AS c
  JOIN axis_n AS a ON a.source_id = c.source_id AND a.config_path = c.config_path
   AND a.cat_ord = c.cat_ord AND a.tool_idx = c.tool_idx AND a.k = c.k + 1,
  json_each(a.vals) AS v),
cases AS (
  SELECT t.source_id, t.config_path, t.doc, t.category, t.environment, t.cv, t.tv, t.script,
         t.template, c.params,
         row_number() OVER (PARTITION BY t.source_id, t.config_path
                            ORDER BY t.cat_ord, t.tool_idx, c.sortkey) AS id
  FROM tool AS t JOIN combo AS c
    ON c.source_id = t.source_id AND c.config_path = t.config_path AND c.cat_ord = t.cat_ord
   AND c.tool_idx = t.tool_idx
  WHERE c.k = coalesce((SELECT max(n_axes) FROM axis_n AS a WHERE a.source_id = t.source_id
                          AND a.config_path = t.config_path AND a.cat_ord = t.cat_ord
                          AND a.tool_idx = t.tool_idx), 0)),
envvals AS (
  SELECT source_id, config_path, id, 'path' AS name,
         coalesce(json_extract(doc, '$.paths.tools_dir'), 'measurement-tools') || '/' ||
         category || '/' || script AS value FROM cases
  UNION ALL SELECT cases.source_id, cases.config_path, cases.id, ip.env || ip.name,
         coalesce(json_extract(cases.doc, '$.environments.' || ip.env || '.' || ip.side || '.test_ip'),
                  json_extract(cases.doc, '$.environments.' || ip.env || '.network_config.' || ip.side || '_ip'))
  FROM cases, (SELECT 'host' AS env, '_LOCAL_IP' AS name, 'server' AS side
               UNION ALL SELECT 'host', '_REMOTE_IP', 'client'
               UNION ALL SELECT 'vm', '_LOCAL_IP', 'server'
               UNION ALL SELECT 'vm', '_REMOTE_IP', 'client') AS ip
  UNION ALL SELECT source_id, config_path, id, 'INTERNAL_INTERFACE',
         json_extract(doc, '$.environments."' || environment || '".network_config.internal_interface')
  FROM cases
  UNION ALL SELECT source_id, config_path, id, 'PHY_INTERFACE', coalesce(
         (SELECT group_concat(m.value, ',') FROM json_each(cases.doc,
            '$.environments."' || cases.environment || '".network_config.server_physical_nic_members') AS m),
         json_extract(doc, '$.environments."' || environment || '".network_config.server_physical_interface'),
         json_extract(doc, '$.environments."' || environment || '".network_config.physical_interface'))
  FROM cases
  UNION ALL SELECT source_id, config_path, id, 'VM_INTERFACE', coalesce(
         json_extract(doc, '$.environments.vm.network_config.server_vm_interface'),
         json_extract(doc, '$.environments.vm.network_config.vm_interface'),
         json_extract(doc, '$.environments.vm.server.vm_interface')) FROM cases
  UNION ALL SELECT source_id, config_path, id, 'QEMU_PID', coalesce(
         json_extract(doc, '$.environments.vm.kvm_config.server.qemu_pid'),
         json_extract(doc, '$.environments.vm.kvm_config.qemu_pid')) FROM cases),
vars AS (
  -- substitution order: the direction's SRC_IP/DST_IP (they hold {host_*} placeholders),
  -- then parameters, the tool's scalar settings, the environment's values
  SELECT cases.source_id, cases.config_path, cases.id, 0 AS grp, d.key AS name, d.value AS value
  FROM cases, json_each(cases.cv, '$.directions."' || json_extract(cases.params, '$.direction') || '"') AS d
  WHERE json_extract(cases.params, '$.direction') IS NOT NULL
  UNION ALL
  SELECT cases.source_id, cases.config_path, cases.id, 1, p.key, p.value
  FROM cases, json_each(cases.params) AS p
  UNION ALL
  SELECT cases.source_id, cases.config_path, cases.id, 2, s.key, s.value
  FROM cases, json_each(cases.tv) AS s
  WHERE s.key NOT IN ('script', 'template', 'parameters') AND s.type NOT IN ('object', 'array')
  UNION ALL
  SELECT source_id, config_path, id, 3, name, value FROM envvals WHERE value IS NOT NULL),
vars_n AS (
  SELECT vars.*, row_number() OVER (PARTITION BY source_id, config_path, id ORDER BY grp, name) AS k
  FROM vars),
subst(source_id, config_path, id, k, cmd) AS (
  SELECT source_id, config_path, id, 0, template FROM cases
  UNION ALL
  SELECT s.source_id, s.config_path, s.id, s.k + 1,
         replace(s.cmd, '{' || v.name || '}',
                 CASE WHEN typeof(v.value) = 'integer' OR typeof(v.value) = 'real' THEN remote_pystr(v.value)
                      ELSE v.value END)
  FROM subst AS s JOIN vars_n AS v
    ON v.source_id = s.source_id AND v.config_path = s.config_path AND v.id = s.id AND v.k = s.k + 1),
resolved AS (
  SELECT source_id, config_path, id, cmd FROM (
    SELECT subst.*, row_number() OVER (PARTITION BY source_id, config_path, id ORDER BY k DESC) AS rn
    FROM subst) WHERE rn = 1),
names AS (
  SELECT cases.source_id, cases.config_path, cases.id,
         replace(CASE WHEN cases.script LIKE '%.py' OR cases.script LIKE '%.bt'
                      THEN substr(cases.script, 1, length(cases.script) - 3) ELSE cases.script END,
                 '-', '_')
         || coalesce('_' || json_extract(cases.params, '$.direction'), '')
         || coalesce('_protocol_' || json_extract(cases.params, '$.protocol'), '')
         || coalesce((SELECT group_concat('_' || p.key || '_' || p.value, '')
                      FROM (SELECT p.key, p.value FROM json_each(cases.params) AS p
                            WHERE p.key NOT IN ('direction', 'protocol')
                              AND p.type NOT IN ('null', 'false')
                              AND NOT (p.type IN ('integer', 'real') AND p.value = 0)
                              AND NOT (p.type = 'text' AND p.value = '')
                            ORDER BY p.id) AS p), '') AS name
  FROM cases)
SELECT c.source_id, c.config_path, json_extract(c.doc, '$.environment') AS environment_name,
       c.id, n.name, remote_command_clean(r.cmd) AS command, c.script, c.category, c.environment,
       c.params AS parameters, coalesce(json_extract(c.doc, '$.defaults.duration'), 10) AS duration
FROM cases AS c
JOIN names AS n ON n.source_id = c.source_id AND n.config_path = c.config_path AND n.id = c.id
JOIN resolved AS r ON r.source_id = c.source_id AND r.config_path = c.config_path AND r.id = c.id;

# The PostgreSQL half of the test suite. Every test that needs PostgreSQL is
# registered with jiceng_add_pg_test(): CTest then starts one throwaway
# cluster first (scripts/pg-test-cluster.sh start: initdb into a temporary
# directory, postgres on a free loopback port, as `nobody` when run as root),
# runs the test with JICENG_TEST_PG_URL (the server URL; each test creates its
# own databases on it) and JICENG_TEST_ENGINE=postgresql, and stops and
# deletes the cluster after the last such test (FIXTURES_SETUP/CLEANUP).
set(JICENG_PG_TEST_STATE "${PROJECT_BINARY_DIR}/pg-test")
set(JICENG_PG_CLUSTER_SCRIPT "${PROJECT_SOURCE_DIR}/scripts/pg-test-cluster.sh")

add_test(NAME pg.cluster.start
  COMMAND ${JICENG_PG_CLUSTER_SCRIPT} start ${JICENG_PG_TEST_STATE})
set_tests_properties(pg.cluster.start PROPERTIES FIXTURES_SETUP jiceng_pg TIMEOUT 120
  LABELS postgresql)
add_test(NAME pg.cluster.stop
  COMMAND ${JICENG_PG_CLUSTER_SCRIPT} stop ${JICENG_PG_TEST_STATE})
set_tests_properties(pg.cluster.stop PROPERTIES FIXTURES_CLEANUP jiceng_pg TIMEOUT 60
  LABELS postgresql)

# jiceng_add_pg_test(NAME <name> COMMAND <program> [<arg>...] [TIMEOUT <s>] [LABELS <l>...])
# Registers <program> run against the test cluster.
function(jiceng_add_pg_test)
  cmake_parse_arguments(ARG "" "NAME;TIMEOUT" "COMMAND;LABELS" ${ARGN})
  add_test(NAME ${ARG_NAME}
    COMMAND ${JICENG_PG_CLUSTER_SCRIPT} exec ${JICENG_PG_TEST_STATE} ${ARG_COMMAND})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()
  set_tests_properties(${ARG_NAME} PROPERTIES
    FIXTURES_REQUIRED jiceng_pg
    ENVIRONMENT "JICENG_TEST_ENGINE=postgresql"
    TIMEOUT ${ARG_TIMEOUT}
    LABELS "postgresql;${ARG_LABELS}")
endfunction()

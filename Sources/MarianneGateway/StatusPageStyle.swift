/// The status page's CSS: one column of controls, the log view above the table, a table
/// that scrolls sideways and drops columns below 900 px so that its buttons stay in view
/// (they sit on one line on a wide screen and wrap below 900 px).
extension StatusPage {
    static let style = #"""
    :root { font-family: system-ui, sans-serif; color: #1d2330; background: #f6f7f9; }
    body { margin: 0; }
    header { display: flex; flex-wrap: wrap; gap: 0.4rem 1rem; align-items: baseline; padding: 0.8rem 1.5rem; background: #1d2330; color: #fff; }
    header h1 { font-size: 1.15rem; margin: 0; }
    #conductor, #counts { color: #b8c0cc; font-size: 0.85rem; }
    .connection { font-size: 0.8rem; padding: 0.1rem 0.5rem; border-radius: 1rem; }
    .connection.up { background: #2e7d32; }
    .connection.down { background: #b26a00; }
    main { padding: 1rem 1.5rem; }
    #tools { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; margin-bottom: 0.6rem; font-size: 0.85rem; }
    #pager { margin-left: auto; }
    .scroll { overflow-x: auto; }
    table { border-collapse: collapse; width: 100%; background: #fff; box-shadow: 0 1px 2px #0002; }
    th, td { text-align: left; padding: 0.4rem 0.6rem; border-bottom: 1px solid #e3e6ea; font-size: 0.88rem; vertical-align: top; }
    th { background: #eef0f3; font-weight: 600; }
    td.id { font-family: ui-monospace, monospace; max-width: 16rem; overflow-wrap: anywhere; }
    td.error { color: #9b1c1c; max-width: 18rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    td.time { font-variant-numeric: tabular-nums; white-space: nowrap; }
    .status { padding: 0.1rem 0.5rem; border-radius: 0.3rem; font-size: 0.8rem; background: #e3e6ea; }
    .status.running { background: #d7ebff; color: #0b4f8a; }
    .status.completed { background: #dff3e1; color: #1f6b28; }
    .status.failed { background: #fbe0e0; color: #9b1c1c; }
    .status.cancelled, .status.stopped { background: #eee; color: #555; }
    .status.paused { background: #fff1cc; color: #7a5a00; }
    .status.pending { background: #ece4ff; color: #4b2f99; }
    progress { width: 7rem; vertical-align: middle; }
    .count { margin-left: 0.4rem; color: #5b6472; font-size: 0.8rem; }
    .module { color: #5b6472; font-size: 0.8rem; }
    .actions { display: flex; flex-wrap: nowrap; gap: 0.25rem; }
    button { font: inherit; font-size: 0.8rem; padding: 0.15rem 0.55rem; cursor: pointer; }
    button:disabled { cursor: default; opacity: 0.4; }
    #log { margin-bottom: 1rem; }
    #log h2 { font-size: 1rem; display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin: 0 0 0.4rem; }
    .tab.on { font-weight: 700; }
    #log-lines, #output-lines { background: #11151c; color: #d7dde6; padding: 0.8rem; max-height: 22rem; overflow: auto; font-size: 0.8rem; white-space: pre-wrap; margin: 0; }
    .level-WARNING { color: #ffcc66; }
    .level-ERROR, .level-CRITICAL { color: #ff8a8a; }
    .stream-stderr { color: #ffb0b0; }
    .output-head { color: #8fa0b5; }
    @media (max-width: 900px) {
      main { padding: 0.8rem; }
      th.name, td.name, th.error, td.error { display: none; }
      th, td { padding: 0.35rem 0.4rem; }
      progress { width: 3.5rem; }
      .actions { flex-wrap: wrap; max-width: 9.5rem; }
    }
    """#
}

export { diagramRows, renderDiagram, type DiagramView } from './diagram.js';
export { causalSlice, type CausalSlice } from './slice.js';
export { embedJson, renderHtml, type ReportSubject } from './html.js';
export { runLanes } from './lanes.js';

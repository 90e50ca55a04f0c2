export { renderDiagram } from './diagram.js';
export { embedJson, renderHtml, type ReportSubject } from './html.js';
export { runLanes } from './lanes.js';

# msg: plain.eml
require ["include", "fileinto"];
include :personal "ret";
fileinto "AfterReturn";
